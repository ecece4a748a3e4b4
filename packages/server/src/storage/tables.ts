/**
 * Row types of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings (they sort
 * and slice by day the same way on SQLite and PostgreSQL); JSON is stored as text; booleans as
 * 0/1 integers. One shape for both backends keeps the data layer free of dialect branches except
 * for full-text search.
 */
import type { Generated } from 'kysely';

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AdminUsersTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: string;
}

export interface AdminSessionsTable {
  /** SHA-256 of the cookie token: a leaked database does not leak live sessions. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface AgentsTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  published_version: number | null;
  latest_version: number;
  created_at: string;
  updated_at: string;
}

export interface AgentVersionsTable {
  id: string;
  agent_id: string;
  version: number;
  config: string;
  note: string;
  created_by: string | null;
  created_at: string;
}

export interface AgentPublicationsTable {
  id: string;
  agent_id: string;
  version: number;
  /** Order of publication within the agent (timestamps can tie). */
  seq: number;
  published_at: string;
}

export interface ToolsTable {
  id: string;
  name: string;
  description: string;
  parameters: string;
  kind: string;
  url: string;
  secret: string | null;
  timeout_ms: number;
  max_response_bytes: number;
  created_at: string;
  updated_at: string;
}

export interface DocumentsTable {
  id: string;
  agent_id: string | null;
  title: string;
  content: string;
  created_at: string;
  updated_at: string;
}

export interface ConversationsTable {
  id: string;
  agent_id: string;
  agent_version: number | null;
  mode: string;
  model: string;
  client_id: string | null;
  status: string;
  end_reason: string | null;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  item_count: number;
  /** GPT-Live: cumulative billed seconds (0 for Realtime conversations). */
  usage_seconds: number;
}

export interface ConversationItemsTable {
  id: string;
  conversation_id: string;
  item_id: string;
  seq: number;
  type: string;
  role: string | null;
  text: string | null;
  /** A function call's `call_id` (migration 0004; null for other items and older rows). */
  call_id: string | null;
  status: string | null;
  created_at: string;
}

export interface ToolCallsTable {
  id: string;
  conversation_id: string;
  call_id: string;
  name: string;
  arguments: string;
  output: string | null;
  outcome: string;
  duration_ms: number | null;
  created_at: string;
}

export interface ResponsesTable {
  id: string;
  conversation_id: string;
  response_id: string;
  status: string;
  input_tokens: number;
  output_tokens: number;
  input_text_tokens: number;
  input_audio_tokens: number;
  cached_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  cost_usd: number;
  latency_ms: number | null;
  created_at: string;
}

export interface LeadsTable {
  id: string;
  agent_id: string;
  conversation_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string;
  notified: number;
  notify_error: string | null;
  created_at: string;
}

export interface ScheduledCallsTable {
  id: string;
  agent_id: string;
  conversation_id: string | null;
  name: string;
  contact: string;
  starts_at: string;
  notes: string;
  created_at: string;
}

/** SQLite only: the FTS5 index over documents, kept in step by the data layer. */
export interface DocumentsFtsTable {
  rowid: Generated<number>;
  document_id: string;
  title: string;
  content: string;
}

/** Every table of the Parley database. */
/** An email kept locally because no SMTP server is configured. */
export interface OutboxTable {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  reply_to: string | null;
  created_at: string;
}

/** One user turn: end of speech to first agent audio, and the time its tools took. */
export interface TurnsTable {
  id: string;
  conversation_id: string;
  seq: number;
  /** Null when no agent audio (or text, for a text agent) followed. */
  first_audio_ms: number | null;
  tool_ms: number;
  tool_calls: number;
  responses: number;
  created_at: string;
}

/** Counts of turns per log-scale bucket (see `latency-buckets.ts`). */
export interface LatencyHistogramTable {
  agent_id: string;
  /** 0 when the conversation ran an unpublished draft without a version. */
  agent_version: number;
  day: string;
  metric: string;
  bucket: number;
  count: number;
}

/** The customer and tags a conversation was attributed to when its session was granted. */
export interface ConversationCustomersTable {
  conversation_id: string;
  customer_id: string | null;
  /** JSON array of strings. */
  tags: string;
  created_at: string;
}

/** The post-call analysis of one conversation. */
export interface ConversationAnalysesTable {
  conversation_id: string;
  agent_id: string;
  /** `done` or `failed`. */
  status: string;
  summary: string | null;
  /** JSON object (valid against the agent's extraction schema). */
  extracted: string | null;
  /** 1 success, 0 not, null when there is no rubric. */
  success: number | null;
  rationale: string | null;
  model: string;
  error: string | null;
  created_at: string;
}

/** One attempt to deliver a post-call webhook. */
export interface WebhookDeliveriesTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  url: string;
  attempt: number;
  /** `delivered`, `failed` (will be retried) or `gave_up`. */
  outcome: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  created_at: string;
}

/** One recorded connection of a conversation (the audio itself is in recording storage). */
export interface RecordingsTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  /** `relay` or `live_import`. */
  source: string;
  storage_key: string;
  content_type: string;
  channels: number;
  duration_ms: number;
  bytes: number;
  started_at: string;
  expires_at: string;
  /** JSON array of interruption marks. */
  marks: string;
  /** JSON `{ bucketMs, channels: [base64, base64] }`. */
  peaks: string;
  created_at: string;
  deleted_at: string | null;
}

/** A traffic split between versions of one agent (at most one running per agent). */
export interface ExperimentsTable {
  id: string;
  agent_id: string;
  name: string;
  /** `running` or `ended`. */
  status: string;
  /** JSON array of `{ version, weight }`; the first is the baseline. */
  arms: string;
  promoted_version: number | null;
  started_at: string;
  ended_at: string | null;
}

/** The version an experiment gave a conversation, written when its session was granted. */
export interface ExperimentAssignmentsTable {
  conversation_id: string;
  experiment_id: string;
  version: number;
  created_at: string;
}

/** A post-call webhook still to deliver (deleted once delivered or given up). */
export interface WebhookQueueTable {
  delivery_id: string;
  conversation_id: string;
  agent_id: string;
  url: string;
  /** The JSON body, exactly as every attempt sends it. */
  body: string;
  next_attempt: number;
  due_at: string;
  /** An instance works on the row until then; a crashed one's claim lapses by itself. */
  claimed_until: string;
  created_at: string;
}

/**
 * Figures of finished conversations per UTC day (of `started_at`), agent, version and model,
 * kept in step with every write that changes a finished conversation (see `rollups.ts`).
 */
export interface ConversationRollupsTable {
  day: string;
  agent_id: string;
  /** 0 for conversations that ran an unpublished draft without a version. */
  agent_version: number;
  model: string;
  conversations: number;
  completed: number;
  /** Conversations with at least one lead. */
  with_lead: number;
  /** Conversations whose analysis has a success verdict, and how many of those succeeded. */
  judged: number;
  successes: number;
  /** Conversations with a duration, and the sum of their durations. */
  duration_count: number;
  duration_ms_sum: number;
  input_tokens: number;
  output_tokens: number;
  usage_seconds: number;
  cost_usd: number;
}

/** The ledger's figures of finished conversations per day, agent, version, model and customer. */
export interface CustomerRollupsTable {
  day: string;
  agent_id: string;
  agent_version: number;
  model: string;
  /** '' when the conversation has no customer. */
  customer_id: string;
  /** The attribution's tags as stored (a JSON array), '' when the conversation has none. */
  tags: string;
  conversations: number;
  input_tokens: number;
  output_tokens: number;
  usage_seconds: number;
  cost_usd: number;
}

export interface Tables {
  settings: SettingsTable;
  admin_users: AdminUsersTable;
  admin_sessions: AdminSessionsTable;
  agents: AgentsTable;
  agent_versions: AgentVersionsTable;
  agent_publications: AgentPublicationsTable;
  tools: ToolsTable;
  documents: DocumentsTable;
  documents_fts: DocumentsFtsTable;
  conversations: ConversationsTable;
  conversation_items: ConversationItemsTable;
  tool_calls: ToolCallsTable;
  responses: ResponsesTable;
  leads: LeadsTable;
  scheduled_calls: ScheduledCallsTable;
  outbox: OutboxTable;
  turns: TurnsTable;
  latency_histogram: LatencyHistogramTable;
  conversation_customers: ConversationCustomersTable;
  conversation_analyses: ConversationAnalysesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  recordings: RecordingsTable;
  experiments: ExperimentsTable;
  experiment_assignments: ExperimentAssignmentsTable;
  webhook_queue: WebhookQueueTable;
  conversation_rollups: ConversationRollupsTable;
  customer_rollups: CustomerRollupsTable;
}
