UNWIND range(0, size($ids) - 1) AS i
OPTIONAL MATCH (d:Deal {id: $ids[i]})
USING INDEX d:Deal(id)
RETURN i,
       properties(d) AS props,
       [(d)-[:HAD_STAGE]->(s:StageChange) | properties(s)] AS stages,
       [(d)-[:HAD_CLOSE_DATE]->(c:CloseDateChange) | properties(c)] AS closes
ORDER BY i
