MATCH (k:ChangeLogKeys {bucket: $bucket})
WITH k.key AS keys, k.seq AS seqs
UNWIND [i IN range(0, size(keys) - 1) WHERE keys[i] = $key AND seqs[i] > $since_seq | seqs[i]]
  AS seq
CALL (seq) {
  MATCH (p:ChangeLogPage)
  WHERE p.seq <= seq
  RETURN p
  ORDER BY p.seq DESC
  LIMIT 1
}
WITH seq, p
WHERE $entity IS NULL OR p.entity[seq - p.seq] = $entity
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
