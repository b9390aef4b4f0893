-- Analyst views over the published tables. Recreated on every publish.
-- An outlet is the document's source_name when the input named one, else its folder or file name.
CREATE OR REPLACE VIEW document_outlets AS
SELECT doc_id,
       coalesce(source_name, regexp_extract(url, '^[a-z]+://(?:www\.)?([^/]+)', 1), source_path) AS outlet
FROM documents;
COMMENT ON VIEW document_outlets IS 'Each document''s outlet: source_name, else the URL host, else the file path.';

-- One row per speaker and quote_type (full, partial, indirect): filter on quote_type for direct
-- quotes or reported speech; n_statements counts attributions (a mixed quote is one statement).
CREATE OR REPLACE VIEW quotes_by_speaker AS
SELECT coalesce(e.name, q.speaker) AS speaker,
       q.speaker_entity_id,
       q.quote_type,
       count(*) AS n_quotes,
       count(DISTINCT q.attribution_id) AS n_statements,
       count(DISTINCT q.doc_id) AS n_documents,
       list(DISTINCT o.outlet ORDER BY o.outlet) AS outlets
FROM quotes q
JOIN document_outlets o USING (doc_id)
LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE q.speaker IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW quotes_by_speaker IS 'Who was quoted or reported, by quote_type: how often, in how many documents and outlets.';

CREATE OR REPLACE VIEW unattributed_quotes AS
SELECT q.doc_id, d.title, q.quote_id, q.quote_type, q.attribution_id, q.text, q.cue, q.method
FROM quotes q JOIN documents d USING (doc_id)
WHERE q.speaker IS NULL;
COMMENT ON VIEW unattributed_quotes IS 'Quotes and reported statements with no findable speaker, for review.';

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

CREATE OR REPLACE VIEW story_coverage AS
SELECT coalesce(d.story_id, d.doc_id) AS story_id,
       any_value(d.title ORDER BY d.published_at NULLS LAST, d.doc_id) AS headline,
       count(*) AS n_documents,
       list(DISTINCT o.outlet ORDER BY o.outlet) AS outlets,
       min(d.published_at) AS first_published,
       max(d.published_at) AS last_published,
       sum(coalesce(q.n_quotes, 0))::BIGINT AS n_quotes,
       sum(coalesce(q.n_attributed, 0))::BIGINT AS n_attributed_quotes,
       sum(coalesce(q.n_reported, 0))::BIGINT AS n_reported_statements,
       sum(coalesce(q.n_reported_attributed, 0))::BIGINT AS n_attributed_reported_statements
FROM documents d
JOIN document_outlets o USING (doc_id)
LEFT JOIN (SELECT doc_id,
                  count(*) FILTER (WHERE quote_type <> 'indirect') AS n_quotes,
                  count(speaker) FILTER (WHERE quote_type <> 'indirect') AS n_attributed,
                  count(DISTINCT attribution_id) FILTER (WHERE quote_type = 'indirect') AS n_reported,
                  count(DISTINCT attribution_id) FILTER (WHERE quote_type = 'indirect' AND speaker IS NOT NULL)
                    AS n_reported_attributed
           FROM quotes GROUP BY doc_id) q
  USING (doc_id)
GROUP BY ALL;
COMMENT ON VIEW story_coverage IS 'Each story (documents reporting one event): outlets, dates, direct quote and reported statement counts.';
