import type { Server } from 'node:http';

/**
 * Starts the playground's static server on 127.0.0.1 (`port` 0 picks a free one); `dist` is the directory served
 * as /dist/ (default the repository's dist/).
 */
export function startServer(port?: number, options?: { dist?: string }): Promise<Server>;
