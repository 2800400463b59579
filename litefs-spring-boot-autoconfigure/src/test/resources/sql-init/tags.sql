create table if not exists tags (name text primary key);
