"""An element's evidence pack (mapping/citing/evidence.py), live or as an edition published
it: as a tagged PDF, as Word (.docx) or as Markdown."""

from __future__ import annotations

import io

import pikepdf
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from mapping.citing import evidence
from mapping.citing.citations import STYLE_FILES
from mapping.citing.evidence_docx import docx
from mapping.pdf import continued, structure
from mapping.pdf.parts import nothing_fetched
from mapping.register import Register
from mapping.views.lookups import HtmxHttpRequest, register_page

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


def pdf(pack: evidence.Pack, *, address: str) -> bytes:
    """The pack as a tagged PDF; address is the page's own, for any relative link."""
    from weasyprint import HTML

    # citeproc's HTML, made from values escaped first (mapping/citing/citations.py)
    references = [mark_safe(text) for text, _url in pack.reference_list(html_output=True)]
    html = render_to_string("mapping/evidence_pdf.html", {"pack": pack, "references": references})
    continued.mark_elements()
    page = HTML(string=html, base_url=address, url_fetcher=nothing_fetched())
    content = page.write_pdf(pdf_variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(content)) as document:  # header cells say what they head
        structure.finish_tables(document, "")
        continued.join_part(document)  # a table over several pages is one table
        continued.unlisted_as_artifacts(document)  # the footers, laid out in the margins
        output = io.BytesIO()
        document.save(output, compress_streams=True,
                      object_stream_mode=pikepdf.ObjectStreamMode.generate)  # fmt: skip
    return output.getvalue()


@require_safe
@register_page(frozen_when_edition=True)
def evidence_pack(
    request: HtmxHttpRequest, register: Register, framework: str, code: str, extension: str
) -> HttpResponse:
    side = register.side_of(framework)
    element = register.element(side, code) if side else None
    if element is None:
        raise Http404(f"There is no {code} in this register.")
    style = request.GET.get("style", "apa")
    if style not in STYLE_FILES:
        return HttpResponseBadRequest("style: choose apa or harvard.",
                                      content_type="text/plain; charset=utf-8")  # fmt: skip
    pack = evidence.build(register, element, absolute=request.build_absolute_uri,
                          today=timezone.localdate(), style=style)  # fmt: skip
    if extension == "pdf":
        content = pdf(pack, address=request.build_absolute_uri())
    elif extension == "docx":
        content = docx(pack)
    else:
        content = evidence.markdown(pack).encode()
    response = HttpResponse(content, content_type=MEDIA_TYPES[extension])
    where = f"-edition-{register.edition.number}" if register.edition else ""
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=f"{register.slug}{where}-{code}-evidence{'' if style == 'apa' else '-harvard'}"
        f".{extension}",
    )
    return response
