/** The YAML configuration file: import with placed errors, export with readable comments, preview of changes. */
export { parseConfigYaml, type ConfigError, type ParseConfigResult } from './parse-config-yaml';
export { exportConfigYaml, type ExportContext } from './export-config-yaml';
export { diffConfigs, type ConfigChange } from './diff-configs';
export { checkConfigAgainstAccount, type AccountContext, type AccountIssue } from './check-config-against-account';
