-- The PDF options of an upload (io.fileconv.core.options.PdfOptions#toJson: page ranges, landscape, PDF/A, ...), NULL
-- when none were asked for. Not secret; a password is never stored here.
ALTER TABLE files ADD COLUMN pdf_options VARCHAR(1000) NULL AFTER request_id;
