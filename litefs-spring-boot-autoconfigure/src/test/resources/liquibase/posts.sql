--liquibase formatted sql

--changeset litefs:posts
create table posts (id integer primary key autoincrement, title text not null, node text not null);

--changeset litefs:posts-by-node
create index posts_by_node on posts (node);

--changeset litefs:first-post
insert into posts (title, node) values ('from the changelog', 'node-a');
