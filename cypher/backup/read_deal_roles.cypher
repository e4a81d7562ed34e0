MATCH (c:Contact)-[r:ROLE_ON]->(d:Deal)
RETURN collect(r {.*, deal_id: d.id, contact_id: c.id}) AS rows
