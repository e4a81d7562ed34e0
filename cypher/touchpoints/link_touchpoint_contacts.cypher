UNWIND $rows AS row
MATCH (t:Touchpoint {id: row.touchpoint_id}), (c:Contact {id: row.contact_id})
USING INDEX t:Touchpoint(id)
USING INDEX c:Contact(id)
CREATE (t)-[:WITH]->(c)
