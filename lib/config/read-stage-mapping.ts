import type { StageRule } from '@/lib/sync/config';
import { didYouMean, type Located, type YamlReader } from './yaml-reader';

/**
 * `deal_stage_mapping`: stage id → list, `won`/`lost` → list, and `pipelines: {<id>: {won,
 * lost}}` for outcomes narrowed to one pipeline. Rules come back in canonical order (stage rules,
 * company-wide outcomes, per-pipeline outcomes), the order the exporter writes, so that
 * export → import returns an identical configuration.
 */
export function readStageMapping(reader: YamlReader, section: Located): { rules: StageRule[]; at: Located[] } {
  const rules: { rule: StageRule; at: Located }[] = [];
  for (const entry of reader.entries(section)) {
    if (entry.key === 'pipelines') {
      for (const pipeline of reader.entries(entry)) {
        if (!/^\d+$/.test(pipeline.key) || Number(pipeline.key) <= 0) {
          reader.fail(pipeline.keyNode, pipeline.path, `pipelines are keyed by their Pipedrive pipeline id (a number), got "${pipeline.key}"`);
          continue;
        }
        for (const outcome of reader.entries(pipeline)) {
          if (outcome.key !== 'won' && outcome.key !== 'lost') {
            reader.fail(
              outcome.keyNode,
              outcome.path,
              `inside a pipeline only "won" and "lost" can be mapped (stage ids are unique across pipelines, map them directly under deal_stage_mapping), got "${outcome.key}"`,
            );
            continue;
          }
          const listId = reader.listId(outcome, false);
          if (listId === undefined) continue;
          rules.push({
            rule: { match: outcome.key, pipelineId: Number(pipeline.key), listId },
            at: { node: outcome.keyNode, path: outcome.path },
          });
        }
      }
      continue;
    }
    const lower = entry.key.toLowerCase();
    const isOutcome = lower === 'won' || lower === 'lost';
    if (!isOutcome && !/^\d+$/.test(entry.key)) {
      reader.fail(
        entry.keyNode,
        entry.path,
        `deal_stage_mapping keys are Pipedrive stage ids (numbers), "won", "lost" or "pipelines", got "${entry.key}".${didYouMean(entry.key, ['won', 'lost', 'pipelines'])}`,
      );
      continue;
    }
    if (!isOutcome && Number(entry.key) <= 0) {
      reader.fail(entry.keyNode, entry.path, 'Pipedrive stage ids start at 1');
      continue;
    }
    const listId = reader.listId(entry, false);
    if (listId === undefined) continue;
    const at = { node: entry.keyNode, path: entry.path };
    if (lower === 'won' || lower === 'lost') rules.push({ rule: { match: lower, pipelineId: null, listId }, at });
    else rules.push({ rule: { match: 'stage', stageId: Number(entry.key), listId }, at });
  }
  const rank = (rule: StageRule) => (rule.match === 'stage' ? 0 : rule.pipelineId === null ? 1 : 2);
  const ordered = rules.map((item, index) => ({ ...item, index })).sort((a, b) => rank(a.rule) - rank(b.rule) || a.index - b.index);
  return { rules: ordered.map((item) => item.rule), at: ordered.map((item) => item.at) };
}
