UNWIND $rows AS row
MATCH (c:Contact {id: row.contact_id}), (d:Deal {id: row.deal_id})
USING INDEX c:Contact(id)
USING INDEX d:Deal(id)
CREATE (c)-[r:ROLE_ON]->(d)
SET r.roles = row.roles, r.is_primary = row.is_primary, r.stance = row.stance,
    r.valid_from = row.valid_from, r.valid_to = row.valid_to
