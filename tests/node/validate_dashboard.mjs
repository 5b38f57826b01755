// Validates Grafana dashboards against Grafana's published schema.
//
//   node validate_dashboard.mjs DASHBOARD.json...
//
// The schema is the TypeScript of @grafana/schema (the dashboard, and the
// options and field config of each panel plugin) and of the Grafana
// foundation SDK (the Prometheus query), turned into JSON Schema with
// ts-json-schema-generator and checked with Ajv. Objects are closed
// (additionalProperties: false), so a misspelt key fails like a wrong value.
// Prints one line per problem and exits 1 if there is any; prints a summary
// and exits 0 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import Ajv from 'ajv';

// Run from the directory `npm ci` installed into (see tests/e2e/nodetools.py).
const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules');
const schemaPkg = path.join(modules, '@grafana/schema');
const sdkPkg = path.join(modules, '@grafana/grafana-foundation-sdk');
const types = (rel) => path.join(schemaPkg, 'dist/types', rel);

// Panel plugins the dashboard may use: their option and field-config types.
const PANELS = {
  timeseries: { file: 'raw/composable/timeseries/panelcfg/x/types.gen.d.ts', fieldConfig: true },
  stat: { file: 'raw/composable/stat/panelcfg/x/types.gen.d.ts', fieldConfig: false },
  bargauge: { file: 'raw/composable/bargauge/panelcfg/x/types.gen.d.ts', fieldConfig: false },
  table: { file: 'raw/composable/table/panelcfg/x/types.gen.d.ts', fieldConfig: true },
  text: { file: 'raw/composable/text/panelcfg/x/types.gen.d.ts', fieldConfig: false },
};

function schemaOf(file, type) {
  const gen = createGenerator({
    path: file, type, expose: 'export', topRef: true, jsDoc: 'none',
    additionalProperties: false, skipTypeCheck: true, functions: 'hide',
  });
  return gen.createSchema(type);
}

const ajv = new Ajv({ allErrors: true, strict: false });
function compile(file, type) {
  return ajv.compile(schemaOf(file, type));
}

const dashboardFile = types('raw/dashboard/x/types.gen.d.ts');
const validate = {
  dashboard: compile(dashboardFile, 'Dashboard'),
  panel: compile(dashboardFile, 'Panel'),
  fieldConfig: compile(dashboardFile, 'FieldConfig'),
  query: compile(path.join(sdkPkg, 'dist/prometheus/types.gen.d.ts'), 'Dataquery'),
  panels: {},
};
for (const [type, spec] of Object.entries(PANELS)) {
  validate.panels[type] = {
    options: compile(types(spec.file), 'Options'),
    custom: spec.fieldConfig ? compile(types(spec.file), 'FieldConfig') : null,
  };
}

// Ajv's errors as text; `partial` drops the top level's missing required
// properties (an override sets one property of a field config).
function explain(fn, partial = false) {
  return (fn.errors || []).filter((e) => !(partial && e.instancePath === '' &&
    e.keyword === 'required')).map((e) => `${e.instancePath || '/'} ${e.message}` +
    (e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '') +
    (e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''));
}

function check(file) {
  const problems = [];
  const where = (p) => `${path.basename(file)}: ${p}`;
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Import-only keys: Grafana's import dialog consumes them.
  const { __inputs, __elements, __requires, ...dash } = d;
  if (__inputs !== undefined) {
    for (const input of __inputs) {
      if (input.type !== 'datasource' || !input.name || !input.pluginId) {
        problems.push(where(`__inputs: ${JSON.stringify(input)} is not a data source input`));
      } else if (!JSON.stringify(dash).includes('${' + input.name + '}')) {
        problems.push(where(`__inputs: \${${input.name}} is never used`));
      }
    }
  }
  if (!validate.dashboard(dash)) {
    // Panels are checked one by one below, with clearer messages.
    for (const m of explain(validate.dashboard)) {
      if (!m.startsWith('/panels/')) problems.push(where(m));
    }
  }
  const flat = [];
  for (const p of dash.panels || []) {
    if (p.type === 'row') {
      for (const key of Object.keys(p)) {
        if (!['type', 'title', 'id', 'collapsed', 'panels', 'gridPos', 'datasource',
          'repeat'].includes(key)) problems.push(where(`row "${p.title}": unknown key ${key}`));
      }
      flat.push(...(p.panels || []));
    } else {
      flat.push(p);
    }
  }
  let queries = 0;
  for (const p of flat) {
    const at = (m) => problems.push(where(`panel ${p.id} "${p.title}": ${m}`));
    const { options, fieldConfig, targets, ...rest } = p;
    const spec = validate.panels[p.type];
    if (!spec) {
      at(`panel type "${p.type}" is not one this validator knows`);
      continue;
    }
    if (!spec.options(options)) explain(spec.options).forEach((m) => at(`options${m}`));
    const defaults = (fieldConfig && fieldConfig.defaults) || {};
    const { custom, ...plain } = defaults;
    if (!validate.fieldConfig(plain)) {
      explain(validate.fieldConfig).forEach((m) => at(`fieldConfig.defaults${m}`));
    }
    if (custom !== undefined) {
      if (!spec.custom) {
        at(`fieldConfig.defaults.custom is set but ${p.type} has no custom field config`);
      } else if (!spec.custom(custom)) {
        explain(spec.custom).forEach((m) => at(`fieldConfig.defaults.custom${m}`));
      }
    }
    for (const [i, o] of ((fieldConfig && fieldConfig.overrides) || []).entries()) {
      for (const prop of o.properties || []) {
        const name = `fieldConfig.overrides[${i}] ${prop.id}`;
        if (prop.id.startsWith('custom.')) {
          const key = prop.id.slice('custom.'.length);
          if (!spec.custom) at(`${name}: ${p.type} has no custom field config`);
          else if (!spec.custom({ [key]: prop.value })) {
            explain(spec.custom, true).forEach((m) => at(`${name}${m}`));
          }
        } else if (!validate.fieldConfig({ [prop.id]: prop.value })) {
          explain(validate.fieldConfig, true).forEach((m) => at(`${name}${m}`));
        }
      }
    }
    if (!Array.isArray(targets) || targets.length === 0) at('no queries');
    for (const t of targets || []) {
      queries++;
      if (!validate.query(t)) explain(validate.query).forEach((m) => at(`target ${t.refId}${m}`));
    }
    // What the dashboard schema says about the rest of the panel.
    const alone = { ...rest, options: {}, fieldConfig: { defaults: {}, overrides: [] } };
    if (!validate.panel(alone)) explain(validate.panel).forEach((m) => at(m));
  }
  return { problems, panels: flat.length, queries };
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const { problems, panels, queries } = check(file);
  for (const p of problems) console.log(p);
  if (problems.length) {
    failed++;
    console.log(`FAILED: ${file}: ${problems.length} problem(s)`);
  } else {
    console.log(`OK: ${file}: ${panels} panels, ${queries} queries valid against ` +
      '@grafana/schema and the foundation SDK');
  }
}
process.exit(failed ? 1 : 0);
