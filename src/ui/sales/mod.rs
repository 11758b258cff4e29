//! Boards for any module with a board, the pipeline editor, and the conversion page.

pub mod board_page;
pub mod convert_page;
pub mod pipeline_editor;
