MATCH (c:Contact)-[:HAS_STATUS]->(s:ContactStatus)
RETURN collect(s {.*, contact_id: c.id}) AS rows
