-- Analyst views over the published tables. Recreated on every publish.
CREATE OR REPLACE VIEW quotes_by_speaker AS
SELECT coalesce(e.name, q.speaker) AS speaker,
       q.speaker_entity_id,
       count(*) AS n_quotes,
       count(DISTINCT q.doc_id) AS n_documents,
       list(DISTINCT d.source_path ORDER BY d.source_path) AS sources
FROM quotes q
JOIN documents d USING (doc_id)
LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE q.speaker IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW quotes_by_speaker IS 'Who was quoted, how often, in how many documents.';

CREATE OR REPLACE VIEW unattributed_quotes AS
SELECT q.doc_id, d.title, q.quote_id, q.text, q.cue, q.method
FROM quotes q JOIN documents d USING (doc_id)
WHERE q.speaker IS NULL;
COMMENT ON VIEW unattributed_quotes IS 'Quotes with no findable speaker, for review.';

CREATE OR REPLACE VIEW entity_cooccurrence AS
WITH pairs AS (
  SELECT DISTINCT a.doc_id, a.entity_id AS entity_a, b.entity_id AS entity_b
  FROM entity_mentions a JOIN entity_mentions b
    ON a.doc_id = b.doc_id AND a.entity_id < b.entity_id
)
SELECT ea.name AS name_a, eb.name AS name_b, p.entity_a, p.entity_b, count(*) AS n_documents
FROM pairs p
JOIN entities ea ON ea.entity_id = p.entity_a
JOIN entities eb ON eb.entity_id = p.entity_b
GROUP BY ALL;
COMMENT ON VIEW entity_cooccurrence IS 'Pairs of entities mentioned in the same document, with the number of such documents.';
