module github.com/ntmsuite/ntm/platform

go 1.26
