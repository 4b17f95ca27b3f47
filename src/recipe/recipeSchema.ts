// The JSON Schema of recipe files, generated from the field table so editors (the YAML extension, JSON
// validation) check the same things the reader and the language server check. schemas/recipe.schema.json
// is this function's output; a test keeps the two equal.
import { RECIPE_FIELDS, type FieldSpec } from '../shared/recipeFields';

type JsonSchema = Record<string, unknown>;

export function recipeJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Transfer Studio recipe',
    description: 'Every choice of a transfer-learning run. Paths are relative to the recipe file.',
    ...schemaOf({ kind: 'object', doc: '', fields: RECIPE_FIELDS }),
  };
}

function schemaOf(spec: FieldSpec): JsonSchema {
  const words = 'words' in spec ? spec.words : undefined;
  if (!words) return valueSchema(spec);
  const { description, ...value } = valueSchema(spec);
  return { description, anyOf: [value, { type: 'string', enum: [...words] }] };
}

function valueSchema(spec: FieldSpec): JsonSchema {
  const out: JsonSchema = spec.doc ? { description: spec.doc } : {};
  switch (spec.kind) {
    case 'string':
      out.type = 'string';
      if (spec.enum) out.enum = [...spec.enum];
      if (spec.examples) out.examples = [...spec.examples];
      return out;
    case 'number':
      out.type = spec.integer ? 'integer' : 'number';
      if (spec.enum) out.enum = [...spec.enum];
      if (spec.min !== undefined) out[spec.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = spec.min;
      if (spec.max !== undefined) out[spec.exclusiveMax ? 'exclusiveMaximum' : 'maximum'] = spec.max;
      return out;
    case 'boolean':
      out.type = 'boolean';
      return out;
    case 'list':
      out.type = 'array';
      out.items = schemaOf(spec.items);
      if (spec.minItems !== undefined) out.minItems = spec.minItems;
      if (spec.maxItems !== undefined) out.maxItems = spec.maxItems;
      return out;
    case 'object':
      out.type = 'object';
      out.properties = Object.fromEntries(Object.entries(spec.fields).map(([k, v]) => [k, schemaOf(v)]));
      if (spec.required) out.required = [...spec.required];
      out.additionalProperties = false;
      return out;
  }
}
