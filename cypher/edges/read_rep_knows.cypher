UNWIND $ids AS id
MATCH (r:Rep {id: id})
USING INDEX r:Rep(id)
UNWIND [(r)-[k:KNOWS]->(c:Contact) | {rep_id: r.id, contact_id: c.id, strength: k.strength}]
  AS row
RETURN collect(row) AS rows
