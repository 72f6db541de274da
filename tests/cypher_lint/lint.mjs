// Run from the folder where npm installed package.json (node_modules beside this file).
// Lint Cypher statements with Neo4j's own parser and semantic analyser.
// stdin: JSON array of statements; stdout: JSON array of {statement, diagnostics}.
// Functions and procedures are checked against the Neo4j 5 built-ins that
// @neo4j-cypher/language-support ships (its Cypher 5 registry), so a FalkorDB-only
// spelling such as distance() or db.idx.fulltext.queryNodes() is reported.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';
import { testData } from './node_modules/@neo4j-cypher/language-support/dist/esm/project/language-support/src/tests/testData.js';

const schema = {
  functions: testData.mockSchema.functions,
  procedures: testData.mockSchema.procedures,
};
const statements = JSON.parse(readFileSync(0, 'utf8'));
const results = statements.map((statement) => {
  const { diagnostics } = lintCypherQuery(statement, schema);
  return {
    statement,
    diagnostics: diagnostics
      .filter(isNotParamError)
      .map((d) => ({ severity: d.severity === 1 ? 'error' : 'warning', message: d.message })),
  };
});
process.stdout.write(JSON.stringify(results));
