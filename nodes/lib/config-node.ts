// The shape other nodes see of a v2c-config node (like core MQTT's broker node: users
// register, the first one starts the work, the last one leaving stops it).

import type { Node, NodeAPI } from 'node-red';
import type { Listener, WriteResult } from '../../src/coordinator/coordinator';
import type { CloudCall, CloudResult } from '../../src/trydan/cloud-client';
import type { Reading } from '../../src/trydan/telemetry';

export interface V2cConfigNode extends Node<{ apiKey?: string; redisUrl?: string }> {
  /** Charger name for msg.topic: the node's name, else the charger's ID, else the address. */
  chargerName(reading?: Reading): string;
  /** Registers a user; returns the function that deregisters it. */
  register(listener: Listener): () => void;
  /** A fresh reading; `requester` gets it only through the promise. */
  refresh(requester?: Listener): Promise<Reading>;
  write(values: Record<string, number>): Promise<WriteResult>;
  /** The checked cloud URL in use ('' without a key). */
  cloudUrl: string;
  /** How telemetry and writes reach the charger. */
  transport: 'lan' | 'cloud' | 'none';
  /** The account's quota as msg.rateLimit shows it; undefined without a cloud key. */
  rateLimit(): { limit: number; remaining: number; reset: string } | undefined;
  /** Any cloud catalogue endpoint; the device ID is filled in when not given. */
  cloudCall(endpoint: string, call?: CloudCall): Promise<CloudResult>;
}

/** registerType's typing cannot express a node's own members; node files cast to this. */
export type NodeConstructor = Parameters<NodeAPI['nodes']['registerType']>[1];

/**
 * The config node a node points at. Without one the node says so in its status and fails
 * every message with a clear error, so nothing is silently dropped.
 */
export function chargerOf(RED: NodeAPI, node: Node, id: string): V2cConfigNode | null {
  const server = RED.nodes.getNode(id) as V2cConfigNode | null;
  if (!server) {
    node.status({ fill: 'red', shape: 'ring', text: RED._('common.status.noConfig') });
    node.on('input', (_msg, _send, done) => done(new Error(RED._('common.errors.noConfig'))));
  }
  return server;
}
