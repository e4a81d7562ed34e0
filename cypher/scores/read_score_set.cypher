MATCH (s:ScoreSet {account_id: $account_id})
WHERE s.as_of <= $t
WITH s ORDER BY s.as_of DESC LIMIT 1
RETURN s {.as_of, .scored_at, .health, .band} AS head,
       [(s)-[r:SCORED]->(c:Contact) | r {.*, contact_id: c.id}] AS contacts,
       [(s)-[r:RISK]->(d:Deal) | r {.score, .factors, deal_id: d.id}] AS deals
