// The status every node of a running Node-RED shows, as the editor learns it: over the
// editor's websocket (/comms), where Node-RED keeps each node's last status for newcomers.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocket = require('ws') as new (url: string) => Socket;

interface Socket {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  send(data: string): void;
  close(): void;
}

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Every node's current status by node id (nodes showing none are absent). */
export function currentStatuses(editorUrl: string, settleMs = 500): Promise<Map<string, NodeStatus>> {
  return new Promise((resolve, reject) => {
    const statuses = new Map<string, NodeStatus>();
    const socket = new WebSocket(`${editorUrl.replace(/^http/, 'ws')}/comms`);
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', reject);
    socket.on('open', () => {
      socket.send(JSON.stringify({ subscribe: 'status/#' }));
      timer = setTimeout(() => socket.close(), settleMs);
    });
    socket.on('message', (data) => {
      const parsed = JSON.parse(data.toString()) as Array<{ topic: string; data: NodeStatus }> | { topic: string; data: NodeStatus };
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
        if (m.topic.startsWith('status/')) statuses.set(m.topic.slice('status/'.length), m.data);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(statuses);
    });
  });
}
