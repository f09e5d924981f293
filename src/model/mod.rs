//! The plain values the store answers with and the screen shows: rows, cards, figures,
//! the changes the operator asks for and what came of them. No SQL and no terminal here,
//! so `store` fills them and `app`/`ui` read them without either knowing the other.

pub mod detail;
pub mod history;
pub mod inbox;
pub mod outbox;
pub mod people;
pub mod report;
