//! Reading a file the user chose, without holding the page: the bytes are copied
//! into wasm a slice per tick.

use wasm_bindgen_futures::JsFuture;

use crate::ui::kit::state::next_tick;

/// The file's bytes, or the browser's reason it could not be read.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    const SLICE: usize = 8 << 20;
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let array = js_sys::Uint8Array::new(&buffer);
    let len = array.length() as usize;
    let mut bytes = vec![0u8; len];
    for start in (0..len).step_by(SLICE) {
        let end = (start + SLICE).min(len);
        array
            .subarray(start as u32, end as u32)
            .copy_to(&mut bytes[start..end]);
        next_tick().await;
    }
    Ok(bytes)
}
