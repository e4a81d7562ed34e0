MATCH (a:Contact)-[r:INFLUENCES]->(b:Contact)
RETURN collect(r {.*, influencer_id: a.id, influenced_id: b.id}) AS rows
