/**
 * One rule for U+0000 on both backends: PostgreSQL cannot store it in `text` (the write fails,
 * and a visitor's message would be lost), SQLite can. Every string value a query sends is
 * rewritten with U+FFFD in its place, on both, so the same message is stored the same way
 * everywhere and nothing is lost. (HTTP input with NUL is refused with 400 before it gets here.)
 */
import { OperationNodeTransformer } from 'kysely';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  PrimitiveValueListNode,
  QueryResult,
  RootOperationNode,
  UnknownRow,
  ValueNode,
} from 'kysely';

/** The replacement for U+0000 in stored text. */
export const nulReplacement = '\uFFFD';

const replace = (value: unknown): unknown =>
  typeof value === 'string' && value.includes('\0')
    ? value.replaceAll('\0', nulReplacement)
    : value;

class NulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = replace(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return node.values.some((value) => replace(value) !== value)
      ? { ...node, values: node.values.map(replace) }
      : node;
  }
}

/** The Kysely plugin applying the rule to every query. */
export class ReplaceNulCharactersPlugin implements KyselyPlugin {
  private readonly transformer = new NulTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
