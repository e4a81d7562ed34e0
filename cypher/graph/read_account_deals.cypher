UNWIND $account_ids AS aid
MATCH (a:Account {id: aid})
USING INDEX a:Account(id)
UNWIND [(a)<-[:OF_ACCOUNT]-(d:Deal) | d] AS d
RETURN collect({
  props: properties(d),
  stages: [(d)-[:HAD_STAGE]->(s:StageChange) | [s.at, s.to_stage]],
  closes: [(d)-[:HAD_CLOSE_DATE]->(c:CloseDateChange) | [c.at, c.from_date, c.to_date]]
}) AS rows
