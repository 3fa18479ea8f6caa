-- +goose Up
-- OCOP producers (chủ thể), located in the commune or ward of unit_code on
-- registered_on. Rows are written once: nothing here is edited or deleted,
-- so an id named in `producers/{id}` always means the same producer.
CREATE TABLE producers (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    unit_code           TEXT NOT NULL,
    registered_on       DATE NOT NULL,
    registration_number TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (name <> '' AND unit_code <> ''),
    CHECK (kind IN ('ENTERPRISE', 'COOPERATIVE', 'COOPERATIVE_GROUP', 'HOUSEHOLD_BUSINESS'))
);
-- Listing and counting the producers of a set of communes.
CREATE INDEX producers_unit ON producers (unit_code, id);

-- unit_code is the producer's, copied when the product is created, so lists
-- and summaries by commune read one table.
CREATE TABLE products (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL,
    producer_id   BIGINT NOT NULL REFERENCES producers (id),
    product_group TEXT NOT NULL,
    unit_code     TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (name <> '' AND product_group <> '' AND unit_code <> '')
);
CREATE INDEX products_unit ON products (unit_code, id);
CREATE INDEX products_producer ON products (producer_id);

-- One registration per product and cycle year, with the outcome of its
-- dossier check: reviewed_on is set exactly when it is no longer pending.
CREATE TABLE registrations (
    product_id    BIGINT NOT NULL REFERENCES products (id),
    year          INTEGER NOT NULL,
    registered_on DATE NOT NULL,
    eligibility   TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    reviewed_on   DATE,
    PRIMARY KEY (product_id, year),
    CHECK (eligibility IN ('PENDING', 'ELIGIBLE', 'NOT_ELIGIBLE')),
    CHECK ((eligibility = 'PENDING') = (reviewed_on IS NULL))
);

-- A council's scoring sheet, stored as decided: catalog, points per line
-- and per part, total and stars are never recomputed when a catalog changes.
CREATE TABLE evaluations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id    BIGINT NOT NULL REFERENCES products (id),
    year          INTEGER NOT NULL,
    evaluated_on  DATE NOT NULL,
    council_level TEXT NOT NULL,
    catalog       TEXT NOT NULL,
    scores_json   TEXT NOT NULL,
    parts_json    TEXT NOT NULL,
    total         DOUBLE PRECISION NOT NULL,
    stars         INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The target of certificates' foreign key, so a certificate can only
    -- name an evaluation of its own product; also a product's evaluations.
    UNIQUE (product_id, id),
    CHECK (council_level IN ('COMMUNE', 'DISTRICT', 'PROVINCE', 'CENTRAL')),
    CHECK (catalog <> ''),
    CHECK (total >= 0),
    CHECK (stars BETWEEN 1 AND 5)
);

-- Certificates, valid over [issued_on, valid_until) unless ended_on ends
-- them early: a later certificate of the product supersedes the one in force,
-- or a decision revokes it. History is kept; only the end is written later.
CREATE TABLE certificates (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id          BIGINT NOT NULL REFERENCES products (id),
    evaluation_id       BIGINT NOT NULL,
    decision_number     TEXT NOT NULL,
    issued_on           DATE NOT NULL,
    stars               INTEGER NOT NULL,
    valid_until         DATE NOT NULL,
    ended_on            DATE,
    end_reason          TEXT NOT NULL DEFAULT '',
    revocation_decision TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (product_id, evaluation_id) REFERENCES evaluations (product_id, id),
    -- Two certificates of a product starting the same day would leave one
    -- that never held; also a product's certificates in date order.
    UNIQUE (product_id, issued_on),
    CHECK (decision_number <> ''),
    CHECK (stars BETWEEN 3 AND 5),
    CHECK (valid_until > issued_on),
    CHECK (ended_on IS NULL OR (ended_on >= issued_on AND ended_on < valid_until)),
    CHECK (end_reason IN ('', 'revoked', 'superseded')),
    CHECK ((ended_on IS NULL) = (end_reason = ''))
);

-- +goose Down
DROP TABLE certificates;
DROP TABLE evaluations;
DROP TABLE registrations;
DROP TABLE products;
DROP TABLE producers;
