/**
 * Tests run the extension without weights: this environment variable names a transcript of
 * assistant turns that a ScriptedModel replays (see loadScriptedModel). It is an environment
 * variable rather than a setting on purpose: a workspace can set settings, and must never be able
 * to script the model.
 */
export const SCRIPTED_MODEL_ENV = 'LOCOOPERATOR_SCRIPTED_MODEL';
