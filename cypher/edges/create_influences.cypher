UNWIND $rows AS row
MATCH (a:Contact {id: row.influencer_id}), (b:Contact {id: row.influenced_id})
USING INDEX a:Contact(id)
USING INDEX b:Contact(id)
CREATE (a)-[r:INFLUENCES]->(b)
SET r.kind = row.kind, r.strength = row.strength, r.source = row.source,
    r.valid_from = row.valid_from, r.valid_to = row.valid_to
