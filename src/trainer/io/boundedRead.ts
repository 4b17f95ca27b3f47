// Moved to src/io/boundedRead.ts (the host and the CLI read run folders with it too); this re-export keeps
// branches written against the old place compiling. Import from src/io.
export * from '../../io/boundedRead';
