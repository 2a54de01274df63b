import { z } from 'zod';

/**
 * Imported first by each bundle that VS Code loads (the extension, the webview), before any
 * schema is built. Building an object schema makes zod probe whether it may compile validators
 * with `new Function`: in the extension host the probe reads `navigator`, which VS Code reports
 * as a PendingMigrationError in the console; in the webview, the CSP refuses the eval. The
 * interpreted validators are fast enough for our messages.
 */
z.config({ jitless: true });
