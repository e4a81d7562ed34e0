UNWIND $ids AS id
MATCH (n:Rep {id: id})
USING INDEX n:Rep(id)
RETURN collect(properties(n)) AS rows
