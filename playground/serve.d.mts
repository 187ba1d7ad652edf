import type { Server } from 'node:http';

/** Starts the playground's static server on 127.0.0.1 (`port` 0 picks a free one). */
export function startServer(port?: number): Promise<Server>;
