//! (ssr) Turns an uploaded photo into safe JPEGs: refuses what is not a photo we accept or
//! would be too costly to decode, then re-encodes the pixels only, so no metadata (GPS,
//! camera serial, timestamps, colour profiles, hidden payloads) survives. Pure: no I/O.
use crate::shared::error::AppError;
use ::image::codecs::jpeg::JpegEncoder;
use ::image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// Largest upload accepted, in bytes (10 MiB).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Largest picture decoded, in pixels (a 40-megapixel phone or camera photo).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side decoded, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// Memory a decoder may use: a 40 MP RGBA picture plus room for the decoder's own state.
pub const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// Longest side of the stored photo.
pub const FULL_SIDE: u32 = 2048;
/// Longest side of the thumbnail.
pub const THUMB_SIDE: u32 = 320;
/// JPEG quality of what is stored.
pub const JPEG_QUALITY: u8 = 82;

/// An accepted photo, re-encoded: both are `image/jpeg` without any metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
    /// Of `full`, upright.
    pub width: u32,
    pub height: u32,
}

/// Why an upload is not accepted as a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("empty file")]
    Empty,
    #[error("file over {MAX_PHOTO_BYTES} bytes")]
    TooLarge,
    /// Not JPEG, PNG or WebP by its content (PDF, text, HEIC, GIF, …).
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// The name says one format, the content is another (or the name has no extension).
    #[error("extension does not match the content")]
    WrongExtension,
    /// More pixels than we decode: a decompression bomb or a huge scan.
    #[error("picture dimensions over the limit")]
    Bomb,
    /// Claims to be an image but does not decode.
    #[error("image cannot be decoded")]
    Unreadable,
}

impl PhotoError {
    /// The i18n key shown to the user.
    pub fn code(self) -> &'static str {
        match self {
            PhotoError::Empty => "err.photo_empty",
            PhotoError::TooLarge => "err.photo_too_large",
            PhotoError::NotAnImage => "err.photo_not_image",
            PhotoError::WrongExtension => "err.photo_wrong_extension",
            PhotoError::Bomb => "err.photo_bomb",
            PhotoError::Unreadable => "err.photo_unreadable",
        }
    }
}

impl From<PhotoError> for AppError {
    fn from(e: PhotoError) -> Self {
        AppError::validation("file", e.code())
    }
}

/// The formats we accept and the file extensions that name each.
fn accepted(format: ImageFormat) -> Option<&'static [&'static str]> {
    match format {
        ImageFormat::Jpeg => Some(&["jpg", "jpeg"]),
        ImageFormat::Png => Some(&["png"]),
        ImageFormat::WebP => Some(&["webp"]),
        _ => None,
    }
}

/// Limit errors mean "too big to decode"; anything else is a broken file.
fn decode_error(e: ImageError) -> PhotoError {
    match e {
        ImageError::Limits(_) => PhotoError::Bomb,
        _ => PhotoError::Unreadable,
    }
}

/// Checks an upload and re-encodes it: the upright picture with its long side at most
/// [`FULL_SIDE`] and a thumbnail at most [`THUMB_SIDE`], both JPEG.
///
/// Errors: empty or over [`MAX_PHOTO_BYTES`]; content not JPEG/PNG/WebP; a `file_name`
/// extension naming another format; a header announcing more than [`MAX_PIXELS`] or a side over
/// [`MAX_SIDE`] (checked before any pixel is decoded; the decoder is also capped at
/// [`MAX_DECODE_ALLOC`] in case the header lies); content that does not decode.
pub fn process_photo(bytes: &[u8], file_name: &str) -> Result<Photo, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = ::image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    let names = accepted(format).ok_or(PhotoError::NotAnImage)?;
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !names.contains(&ext.as_str()) {
        return Err(PhotoError::WrongExtension);
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    // Reads the header only; the limits above already refuse a side over MAX_SIDE.
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(PhotoError::Unreadable);
    }
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::Bomb);
    }
    if decoder.total_bytes() > MAX_DECODE_ALLOC {
        return Err(PhotoError::Bomb);
    }
    // Broken EXIF is no reason to refuse a photo: it is then shown as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(::image::metadata::Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;

    // Shrinking into a square box first, then turning, gives the same picture as the other way
    // round, and turns (copies) far fewer pixels.
    let mut full = if img.width().max(img.height()) > FULL_SIDE {
        img.resize(FULL_SIDE, FULL_SIDE, ::image::imageops::FilterType::CatmullRom)
    } else {
        img
    };
    full.apply_orientation(orientation);
    let full = flatten(full);
    let thumb = if full.width().max(full.height()) > THUMB_SIDE {
        let (tw, th) = fit_in(full.width(), full.height(), THUMB_SIDE);
        ::image::imageops::thumbnail(&full, tw, th)
    } else {
        full.clone()
    };
    Ok(Photo {
        width: full.width(),
        height: full.height(),
        full: jpeg(&full)?,
        thumb: jpeg(&thumb)?,
    })
}

/// The size of a `w`×`h` picture shrunk so that its long side is `side`.
fn fit_in(w: u32, h: u32, side: u32) -> (u32, u32) {
    let scale = |short: u32, long: u32| {
        let s = (u64::from(short) * u64::from(side) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(s).unwrap_or(side).max(1)
    };
    if w >= h {
        (side, scale(h, w))
    } else {
        (scale(w, h), side)
    }
}

/// Drops alpha by laying the picture on white (JPEG has no transparency; black behind a
/// transparent PNG would hide what it shows).
fn flatten(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u32::from(p[3]);
        let over_white = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        ::image::Rgb([over_white(p[0]), over_white(p[1]), over_white(p[2])])
    })
}

/// A baseline JPEG with no EXIF, XMP or ICC segment (the encoder writes only what it is given).
fn jpeg(img: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::with_capacity(img.as_raw().len() / 8);
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(img)
        .map_err(|_| PhotoError::Unreadable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::image::codecs::png::PngEncoder;
    use ::image::{ExtendedColorType, ImageEncoder, Rgb};

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128]))
    }

    fn png(img: &RgbImage) -> Vec<u8> {
        let mut out = vec![];
        PngEncoder::new(&mut out)
            .write_image(img.as_raw(), img.width(), img.height(), ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    fn plain_jpeg(img: &RgbImage) -> Vec<u8> {
        let mut out = vec![];
        JpegEncoder::new_with_quality(&mut out, 90).encode_image(img).unwrap();
        out
    }

    fn dims(jpeg: &[u8]) -> (u32, u32) {
        assert_eq!(::image::guess_format(jpeg).unwrap(), ImageFormat::Jpeg);
        ImageReader::with_format(Cursor::new(jpeg), ImageFormat::Jpeg)
            .into_dimensions()
            .unwrap()
    }

    /// The JPEG segments before the scan data: (marker, payload).
    fn segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let mut out = vec![];
        let mut i = 2;
        while i + 4 <= jpeg.len() {
            assert_eq!(jpeg[i], 0xFF, "segment marker at {i}");
            let marker = jpeg[i + 1];
            let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
            out.push((marker, jpeg[i + 4..i + 2 + len].to_vec()));
            if marker == 0xDA {
                break;
            }
            i += 2 + len;
        }
        out
    }

    /// A little-endian TIFF/EXIF block: IFD0 with Orientation and a GPS IFD pointer, and a GPS
    /// IFD with latitude 31°13'N and longitude 121°28'E (Shanghai).
    fn exif_with_gps(orientation: u16) -> Vec<u8> {
        let mut t: Vec<u8> = vec![];
        t.extend_from_slice(b"II");
        t.extend_from_slice(&42u16.to_le_bytes());
        t.extend_from_slice(&8u32.to_le_bytes());
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&kind.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(&value.to_le_bytes());
        };
        // IFD0 at 8: 2 entries (2 + 2*12 + 4 = 30 bytes) → GPS IFD at 38.
        t.extend_from_slice(&2u16.to_le_bytes());
        entry(&mut t, 0x0112, 3, 1, u32::from(orientation)); // Orientation, SHORT
        entry(&mut t, 0x8825, 4, 1, 38); // GPSInfo IFD pointer, LONG
        t.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(t.len(), 38);
        // GPS IFD: 4 entries (2 + 48 + 4 = 54 bytes) → rationals at 92.
        t.extend_from_slice(&4u16.to_le_bytes());
        entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")); // GPSLatitudeRef
        entry(&mut t, 0x0002, 5, 3, 92); // GPSLatitude, 3 RATIONAL
        entry(&mut t, 0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0")); // GPSLongitudeRef
        entry(&mut t, 0x0004, 5, 3, 116); // GPSLongitude, 3 RATIONAL
        t.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(t.len(), 92);
        for (n, d) in [(31u32, 1u32), (13, 1), (0, 1), (121, 1), (28, 1), (0, 1)] {
            t.extend_from_slice(&n.to_le_bytes());
            t.extend_from_slice(&d.to_le_bytes());
        }
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&t);
        app1
    }

    /// A JPEG with an APP1 EXIF segment right after SOI (as phones write them).
    fn jpeg_with_exif(img: &RgbImage, orientation: u16) -> Vec<u8> {
        let plain = plain_jpeg(img);
        let payload = exif_with_gps(orientation);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&plain[2..]);
        out
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            }
        }
        !c
    }

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }

    /// A PNG whose header claims `w`×`h` greyscale pixels with a few bytes of (zlib) data.
    fn lying_png(w: u32, h: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = vec![];
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale, deflate, no interlace
        chunk(&mut out, b"IHDR", &ihdr);
        // zlib stream of one empty stored block.
        chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn files_png_is_accepted_shrunk_and_given_a_thumbnail() {
        let p = process_photo(&png(&gradient(3000, 1500)), "IMG_0001.PNG").unwrap();
        assert_eq!((p.width, p.height), (2048, 1024));
        assert_eq!(dims(&p.full), (2048, 1024));
        assert_eq!(dims(&p.thumb), (320, 160));
        assert!(p.thumb.len() < p.full.len());
    }

    #[test]
    fn files_small_jpeg_keeps_its_size() {
        let p = process_photo(&plain_jpeg(&gradient(200, 300)), "a.jpeg").unwrap();
        assert_eq!((p.width, p.height), (200, 300));
        assert_eq!(dims(&p.thumb), (200, 300));
        let p = process_photo(&plain_jpeg(&gradient(400, 1200)), "b.JPG").unwrap();
        assert_eq!(dims(&p.thumb), (107, 320));
    }

    #[test]
    fn files_transparent_png_is_laid_on_white() {
        let clear = ::image::RgbaImage::from_pixel(10, 10, ::image::Rgba([0, 0, 0, 0]));
        let mut bytes = vec![];
        PngEncoder::new(&mut bytes)
            .write_image(clear.as_raw(), 10, 10, ExtendedColorType::Rgba8)
            .unwrap();
        let p = process_photo(&bytes, "clear.png").unwrap();
        let back = ::image::load_from_memory(&p.full).unwrap().into_rgb8();
        assert!(
            back.pixels().all(|px| px.0.iter().all(|c| *c > 240)),
            "{:?}",
            back.get_pixel(0, 0)
        );
    }

    #[test]
    fn files_non_images_are_refused() {
        assert_eq!(
            process_photo(b"hello, this is text", "x.jpg"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(
            process_photo(b"%PDF-1.7\n%\xE2\xE3", "x.jpg"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(
            process_photo(b"PK\x03\x04rest-of-zip", "x.png"),
            Err(PhotoError::NotAnImage)
        );
        // HEIC (an ISO-BMFF `ftyp` box) and GIF are images, but not ones we take.
        assert_eq!(
            process_photo(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "x.heic"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(
            process_photo(b"GIF89a\x01\0\x01\0\0\0\0;", "x.gif"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(process_photo(b"", "x.jpg"), Err(PhotoError::Empty));
    }

    #[test]
    fn files_extension_must_match_the_content() {
        let png = png(&gradient(8, 8));
        assert_eq!(process_photo(&png, "x.jpg"), Err(PhotoError::WrongExtension));
        assert_eq!(process_photo(&png, "x.png.exe"), Err(PhotoError::WrongExtension));
        assert_eq!(process_photo(&png, "noextension"), Err(PhotoError::WrongExtension));
        assert!(process_photo(&png, "x.png").is_ok());
        let jpg = plain_jpeg(&gradient(8, 8));
        assert_eq!(process_photo(&jpg, "x.webp"), Err(PhotoError::WrongExtension));
        assert!(process_photo(&jpg, "照片.Jpeg").is_ok());
    }

    #[test]
    fn files_oversized_upload_is_refused() {
        let mut big = png(&gradient(8, 8));
        big.resize(11 * 1024 * 1024, 0);
        assert_eq!(process_photo(&big, "x.png"), Err(PhotoError::TooLarge));
    }

    #[test]
    fn files_decompression_bombs_are_refused_before_decoding() {
        // The header claims 2.5 gigapixels; refused on the header (a side over 12000).
        assert_eq!(
            process_photo(&lying_png(50_000, 50_000), "bomb.png"),
            Err(PhotoError::Bomb)
        );
        // Within the side limit but 121 MP.
        assert_eq!(
            process_photo(&lying_png(11_000, 11_000), "bomb.png"),
            Err(PhotoError::Bomb)
        );
        // A real 8000×8000 all-black PNG: a few tens of kilobytes that would inflate to 64 MP,
        // over the 40 MP limit.
        let black = ::image::GrayImage::new(8000, 8000);
        let mut bytes = vec![];
        PngEncoder::new(&mut bytes)
            .write_image(black.as_raw(), 8000, 8000, ExtendedColorType::L8)
            .unwrap();
        assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
        assert_eq!(process_photo(&bytes, "black.png"), Err(PhotoError::Bomb));
        // A header within limits over a truncated body does not decode.
        assert_eq!(
            process_photo(&lying_png(100, 100), "short.png"),
            Err(PhotoError::Unreadable)
        );
    }

    #[test]
    fn files_exif_and_gps_are_stripped() {
        let src = jpeg_with_exif(&gradient(64, 48), 1);
        assert!(contains(&src, b"Exif\0\0"));
        assert!(segments(&src).iter().any(|(m, _)| *m == 0xE1));
        let p = process_photo(&src, "gps.jpg").unwrap();
        for out in [&p.full, &p.thumb] {
            assert!(!contains(out, b"Exif\0\0"));
            let segs = segments(out);
            // No APP1 (EXIF/XMP), APP2 (ICC) … APP15, nor comments.
            assert!(
                segs.iter().all(|(m, _)| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
                "{:?}",
                segs.iter().map(|s| s.0).collect::<Vec<_>>()
            );
        }
        assert_eq!((p.width, p.height), (64, 48));
    }

    #[test]
    fn files_exif_orientation_is_applied() {
        // Orientation 6: the camera was turned; the picture must be turned 90° clockwise.
        // Left half black, right half white → after turning, top half black, bottom white.
        let img = RgbImage::from_fn(
            80,
            40,
            |x, _| if x < 40 { Rgb([0, 0, 0]) } else { Rgb([255, 255, 255]) },
        );
        let p = process_photo(&jpeg_with_exif(&img, 6), "turned.jpg").unwrap();
        assert_eq!((p.width, p.height), (40, 80));
        assert_eq!(dims(&p.thumb), (40, 80));
        let back = ::image::load_from_memory(&p.full).unwrap().into_luma8();
        assert!(back.get_pixel(20, 10).0[0] < 40);
        assert!(back.get_pixel(20, 70).0[0] > 215);
        // Unturned (orientation 1) keeps its shape.
        let p = process_photo(&jpeg_with_exif(&img, 1), "upright.jpg").unwrap();
        assert_eq!((p.width, p.height), (80, 40));
    }

    #[test]
    fn files_webp_is_accepted() {
        let img = gradient(30, 20);
        let mut bytes = vec![];
        ::image::codecs::webp::WebPEncoder::new_lossless(&mut bytes)
            .write_image(img.as_raw(), 30, 20, ExtendedColorType::Rgb8)
            .unwrap();
        let p = process_photo(&bytes, "x.webp").unwrap();
        assert_eq!((p.width, p.height), (30, 20));
        assert_eq!(process_photo(&bytes, "x.png"), Err(PhotoError::WrongExtension));
    }

    #[test]
    fn files_errors_map_to_validation_codes() {
        let e: AppError = PhotoError::Bomb.into();
        assert_eq!(e, AppError::validation("file", "err.photo_bomb"));
        assert_eq!(e.status(), 422);
    }
}
