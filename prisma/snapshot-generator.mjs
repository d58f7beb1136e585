// A Prisma generator that writes the parsed data model (DMMF: models, fields, native types,
// indexes, relations) to JSON. The schema drift test compares it with the database that the
// SQL migrations produce; this needs no schema engine, which cannot be downloaded here.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import helper from '@prisma/generator-helper';

helper.generatorHandler({
  onManifest: () => ({ prettyName: 'DMMF snapshot', defaultOutput: '../lib/generated/dmmf.json' }),
  onGenerate: async (options) => {
    const out = options.generator.output?.value;
    if (!out) throw new Error('snapshot generator needs an output path');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(options.dmmf.datamodel, null, 2));
  },
});
