UNWIND $rows AS row
MATCH (c:Contact {id: row.contact_id})
USING INDEX c:Contact(id)
CREATE (c)-[:HAS_STATUS]->(s:ContactStatus)
SET s.status = row.status, s.valid_from = row.valid_from, s.valid_to = row.valid_to
