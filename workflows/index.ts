/** Workflow entry point bundled for the worker. */
export { householdCaseWorkflow } from './case-workflow';
