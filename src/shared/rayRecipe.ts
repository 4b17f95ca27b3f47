// The `ray` section of the recipe field table (src/shared/recipeFields.ts): where a recipe runs on a Ray cluster.
import type { FieldSpec } from './recipeFields';
import { RAY_DEFAULTS, RAY_MAX_GPUS_PER_WORKER, RAY_MAX_WORKERS, type RaySettings } from './rayProtocol';

export const RAY_RECIPE_SECTION = {
  kind: 'object',
  doc: 'Where "Run on Ray Cluster…" and `transfer-studio train --ray` run this recipe; local runs ignore it.',
  fields: {
    address: {
      kind: 'string',
      examples: ['local', '127.0.0.1:6379'],
      doc: 'The cluster\'s address host:port (run the driver on a node of it), or "local" for a private Ray started for the run.',
    },
    workers: {
      kind: 'number',
      integer: true,
      min: 1,
      max: RAY_MAX_WORKERS,
      doc: `Data-parallel workers (default ${RAY_DEFAULTS.workers}); batchSize is the global batch, split across them.`,
    },
    gpusPerWorker: {
      kind: 'number',
      min: 0,
      max: RAY_MAX_GPUS_PER_WORKER,
      doc: `GPUs per worker (default ${RAY_DEFAULTS.gpusPerWorker}: CPU workers).`,
    },
    storagePath: {
      kind: 'string',
      role: 'path',
      doc: "A shared folder every node and this machine read: the job's data, checkpoints and results. Default: inside the run folder (one machine only).",
    },
  } satisfies Record<keyof RaySettings, FieldSpec>,
} as const satisfies FieldSpec;
