UNWIND $rows AS row
MATCH (r:Rep {id: row.rep_id}), (c:Contact {id: row.contact_id})
USING INDEX r:Rep(id)
USING INDEX c:Contact(id)
CREATE (r)-[k:KNOWS]->(c)
SET k.strength = row.strength
