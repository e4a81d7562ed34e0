MATCH (d:Deal {id: $id})
USING INDEX d:Deal(id)
RETURN properties(d) AS props,
       [(d)-[:HAD_STAGE]->(s:StageChange) | properties(s)] AS stages,
       [(d)-[:HAD_CLOSE_DATE]->(c:CloseDateChange) | properties(c)] AS closes
