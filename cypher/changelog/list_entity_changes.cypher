CALL () {
  MATCH (p:ChangeLogPage)
  WHERE p.seq <= $since_seq + 1
  RETURN p.seq AS start
  ORDER BY p.seq DESC
  LIMIT 1
  UNION ALL
  RETURN 0 AS start
}
WITH max(start) AS start
MATCH (p:ChangeLogPage)
WHERE p.seq >= start
WITH p.seq AS first, p.entity AS entities
UNWIND [i IN range(0, size(entities) - 1)
        WHERE entities[i] = $entity AND first + i > $since_seq | first + i] AS seq
WITH seq
ORDER BY seq
WITH collect(seq) AS matched
WITH size(matched) AS total, matched[$offset..$offset + $limit] AS wanted
CALL (wanted) {
  UNWIND wanted AS seq
  CALL (seq) {
    MATCH (p:ChangeLogPage)
    WHERE p.seq <= seq
    RETURN p
    ORDER BY p.seq DESC
    LIMIT 1
  }
  WITH p, collect(seq - p.seq) AS idx
  WITH p, idx, p.entity AS e, p.key AS k, p.op AS o, p.before AS b, p.after AS a
  ORDER BY p.seq
  RETURN collect({seq: [i IN idx | p.seq + i], at: p.at, actor: p.actor,
                  entity: [i IN idx | e[i]], key: [i IN idx | k[i]], op: [i IN idx | o[i]],
                  before: [i IN idx | b[i]], after: [i IN idx | a[i]]}) AS items
}
RETURN total, items
