/**
 * The README's library example is examples/library.ts, word for word, and it type-checks against the
 * library's public surface (src/index.ts, imported as 'dpacct'). Compiling one file and what it imports
 * takes a few seconds; running it is left to the reader (its numbers are tested elsewhere).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = process.cwd();
const example = path.join(root, 'examples', 'library.ts');

test('the README shows examples/library.ts', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = /<!-- examples\/library\.ts -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(readFileSync(example, 'utf8'));
});

test('examples/library.ts type-checks against the public library', () => {
  const program = ts.createProgram([example], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    types: ['node'],
    baseUrl: root,
    paths: { dpacct: ['./src/index.ts'] },
  });
  const problems = ts
    .getPreEmitDiagnostics(program, program.getSourceFile(example))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(problems).toEqual([]);
});
