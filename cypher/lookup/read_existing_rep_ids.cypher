UNWIND $ids AS id
MATCH (n:Rep {id: id})
USING INDEX n:Rep(id)
RETURN collect(n.id) AS rows
