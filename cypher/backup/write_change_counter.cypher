MERGE (k:Counter {name: 'change_log'})
SET k.value = $last
