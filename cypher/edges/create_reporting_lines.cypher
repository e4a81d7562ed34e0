UNWIND $rows AS row
MATCH (c:Contact {id: row.contact_id}), (m:Contact {id: row.manager_id})
USING INDEX c:Contact(id)
USING INDEX m:Contact(id)
CREATE (c)-[r:REPORTS_TO]->(m)
SET r.kind = row.kind, r.valid_from = row.valid_from, r.valid_to = row.valid_to
