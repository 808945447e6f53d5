// Errors a node run can end with. The message is what n8n shows (and what
// the conformance cases compare); the description is the optional detail.

export class NodeOperationError extends Error {
  constructor(message, { description, itemIndex } = {}) {
    super(message);
    this.name = 'NodeOperationError';
    if (description !== undefined) this.description = description;
    if (itemIndex !== undefined) this.itemIndex = itemIndex;
  }
}

// ExpressionError is an error raised while resolving a `={{ }}` parameter.
export class ExpressionError extends Error {
  constructor(message, { description, itemIndex } = {}) {
    super(message);
    this.name = 'ExpressionError';
    if (description !== undefined) this.description = description;
    if (itemIndex !== undefined) this.itemIndex = itemIndex;
  }
}

// errorDocument turns anything thrown into the result's error object.
export function errorDocument(err) {
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    const doc = { message: err.message };
    if (typeof err.description === 'string' && err.description !== '') doc.description = err.description;
    return doc;
  }
  return { message: String(err) };
}
