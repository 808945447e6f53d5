// Every node type the core module implements. Each module's default export is
// the node's spec and its run function (see ../../../README.md).
import manualTrigger from './manualTrigger.js';
import noOp from './noOp.js';
import set from './set.js';
import ifNode from './if.js';
import switchNode from './switch.js';
import filter from './filter.js';
import merge from './merge.js';
import code from './code.js';
import splitOut from './splitOut.js';
import aggregate from './aggregate.js';
import summarize from './summarize.js';
import sort from './sort.js';
import limit from './limit.js';
import removeDuplicates from './removeDuplicates.js';
import splitInBatches from './splitInBatches.js';
import renameKeys from './renameKeys.js';
import dateTime from './dateTime.js';
import crypto from './crypto.js';
import stopAndError from './stopAndError.js';
import wait from './wait.js';
import executeWorkflow from './executeWorkflow.js';
import executeWorkflowTrigger from './executeWorkflowTrigger.js';
import scheduleTrigger from './scheduleTrigger.js';
import errorTrigger from './errorTrigger.js';
import webhook from './webhook.js';
import respondToWebhook from './respondToWebhook.js';
import { parameterIndex } from '../context.js';

export const nodeTypes = [
  manualTrigger, noOp, set, ifNode, switchNode, filter, merge, code, splitOut,
  aggregate, summarize, sort, limit, removeDuplicates, splitInBatches,
  renameKeys, dateTime, crypto, stopAndError, wait, executeWorkflow,
  executeWorkflowTrigger, scheduleTrigger, errorTrigger, webhook, respondToWebhook,
];

const byType = new Map(nodeTypes.map((n) => [n.type, n]));
// Built now, so the module's snapshot holds them.
for (const spec of nodeTypes) parameterIndex(spec);

// lookup returns the spec of a node type when it supports the version.
export function lookup(type, version) {
  const spec = byType.get(type);
  if (!spec) return undefined;
  if (version !== undefined && !spec.versions.includes(version)) return undefined;
  return spec;
}
