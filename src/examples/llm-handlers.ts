/**
 * Stand-ins for the OpenAI chat-completions and Anthropic messages APIs: same response shapes,
 * deterministic content, no network. They let demo payloads exercise the engine's output rules
 * (OpenAI content parsed as JSON, Anthropic text kept as text) offline.
 */
import { createHash } from 'node:crypto';
import { errorReply, isRecord, jsonReply } from './http-io.js';
import type { ExampleReply, ExampleRequest } from './http-io.js';
import { classifySentiment, countTokens, firstSentence } from './text-rules.js';
import type { Sentiment } from './text-rules.js';

/** Model name reported when the request names none. */
export const DEFAULT_OPENAI_MODEL = 'example-gpt';
/** Model name reported when the request names none. */
export const DEFAULT_ANTHROPIC_MODEL = 'example-claude';

interface Conversation {
  model: string;
  /** Text of every message, in order. */
  allText: string;
  /** Text of the last message whose role is `user`. */
  lastUserText: string;
  request: Record<string, unknown>;
}

/**
 * `POST /openai/v1/chat/completions`. The reply's content is a one-line summary of the last user
 * message, or, with `response_format: { type: "json_object" }`, a JSON string
 * `{"sentiment","score","summary"}` decided by keyword rules.
 */
export function handleOpenAiChat(request: ExampleRequest): ExampleReply {
  const conversation = readConversation(request, DEFAULT_OPENAI_MODEL);
  if (!('request' in conversation)) return conversation;
  const { model, allText, lastUserText } = conversation;
  const wantsJson = isJsonObjectFormat(conversation.request['response_format']);
  const summary = firstSentence(lastUserText);
  const content = wantsJson
    ? JSON.stringify({ ...classifySentiment(lastUserText), summary })
    : `Summary: ${summary}`;
  const promptTokens = countTokens(allText);
  const completionTokens = countTokens(content);
  return jsonReply(200, {
    id: `chatcmpl-example-${digest(request.body)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  });
}

/**
 * `POST /anthropic/v1/messages`. The reply is a short customer-service answer whose tone follows
 * the keyword sentiment of the last user message.
 */
export function handleAnthropicMessages(request: ExampleRequest): ExampleReply {
  const conversation = readConversation(request, DEFAULT_ANTHROPIC_MODEL);
  if (!('request' in conversation)) return conversation;
  const { model, allText, lastUserText } = conversation;
  const text = REPLIES[classifySentiment(lastUserText).sentiment];
  return jsonReply(200, {
    id: `msg_example_${digest(request.body)}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: countTokens(allText), output_tokens: countTokens(text) },
  });
}

const REPLIES: Record<Sentiment, string> = {
  positive: 'Thank you for the kind words! We are glad the product works well for you.',
  negative: 'We are sorry for the trouble. A specialist will contact you within one business day.',
  neutral: 'Thanks for reaching out. We will get back to you shortly.',
};

/** Validates the common `{ model?, messages: [{ role, content }] }` shape of both APIs. */
function readConversation(
  request: ExampleRequest,
  defaultModel: string,
): Conversation | ExampleReply {
  const body = request.body;
  if (body.kind === 'invalid') return errorReply(400, 'INVALID_JSON', body.reason);
  if (body.kind !== 'json' || !isRecord(body.value)) {
    return errorReply(400, 'INVALID_REQUEST', `${request.path}: expected a JSON object body`);
  }
  const messages = body.value['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    return errorReply(
      400,
      'INVALID_REQUEST',
      `${request.path}: "messages" must be a non-empty array`,
    );
  }
  const texts: string[] = [];
  let lastUserText: string | undefined;
  for (const [index, message] of messages.entries()) {
    const text = isRecord(message) ? contentText(message['content']) : undefined;
    if (!isRecord(message) || typeof message['role'] !== 'string' || text === undefined) {
      return errorReply(
        400,
        'INVALID_REQUEST',
        `${request.path}: messages[${index}] must be { role: string, content: string or text parts }`,
      );
    }
    texts.push(text);
    if (message['role'] === 'user') lastUserText = text;
  }
  if (lastUserText === undefined) {
    return errorReply(400, 'INVALID_REQUEST', `${request.path}: no message has role "user"`);
  }
  const model = body.value['model'];
  return {
    model: typeof model === 'string' && model !== '' ? model : defaultModel,
    allText: texts.join('\n'),
    lastUserText,
    request: body.value,
  };
}

/** A message's content as text: a string, or the `text` of each part of a parts array. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const part of content) {
    if (!isRecord(part) || typeof part['text'] !== 'string') return undefined;
    parts.push(part['text']);
  }
  return parts.join('\n');
}

function isJsonObjectFormat(format: unknown): boolean {
  return isRecord(format) && format['type'] === 'json_object';
}

/** A short stable id derived from the request, so identical requests get identical ids. */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);
}
