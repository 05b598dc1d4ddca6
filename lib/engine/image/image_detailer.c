/* The detailer's detector: the subjects the engine drew (image_shapes.c) are what it finds, as
 * SD.Next's YOLO detailer finds faces or people in a picture. A subject is a detection when the
 * model detects its kind, its label is among detailer_classes (when given) and its confidence is
 * at least detailer_conf; detections are ordered by confidence, a box overlapping a kept one by
 * more than detailer_iou (intersection over union) is dropped, at most detailer_max are kept,
 * and detailer_merge unites them into one box. Each region re-rendered is its box grown by
 * detailer_padding (the context of the pass) and by the reach of the mask blur. */
#include <string.h>

#include "engine/image/image_internal.h"

/* Whether label is one of the comma-separated classes (spaces around names ignored, case-insensitive). */
static int class_listed(const char *classes, const char *label)
{
    if (classes == NULL || classes[0] == 0)
        return 1;
    size_t ll = strlen(label);
    const char *p = classes;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *q = p;
        while (*q && *q != ',')
            q++;
        const char *e = q;
        while (e > p && e[-1] == ' ')
            e--;
        if ((size_t)(e - p) == ll) {
            size_t i = 0;
            for (; i < ll; i++) {
                char c = p[i];
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                if (c != label[i])
                    break;
            }
            if (i == ll)
                return 1;
        }
        p = q;
    }
    return 0;
}

static double iou(const gi_detection *a, const gi_detection *b)
{
    int32_t x0 = a->x0 > b->x0 ? a->x0 : b->x0, y0 = a->y0 > b->y0 ? a->y0 : b->y0;
    int32_t x1 = a->x1 < b->x1 ? a->x1 : b->x1, y1 = a->y1 < b->y1 ? a->y1 : b->y1;
    if (x1 <= x0 || y1 <= y0)
        return 0.0;
    double inter = (double)(x1 - x0) * (double)(y1 - y0);
    double ua = (double)(a->x1 - a->x0) * (double)(a->y1 - a->y0) + (double)(b->x1 - b->x0) * (double)(b->y1 - b->y0) -
                inter;
    return ua > 0.0 ? inter / ua : 0.0;
}

int gi__detect(const gi_subject *subj, int n, const gi_gen_config *cfg, int32_t W, int32_t H, gi_detection *out)
{
    gi_detection cand[GI_MAX_SUBJECTS];
    int nc = 0;
    for (int i = 0; i < n; i++) {
        const gi_subject *s = &subj[i];
        const char *label = gi__subject_label(s->kind);
        if (!gi__subject_detectable(s->kind, cfg->detailer_model) || !class_listed(cfg->detailer_classes, label) ||
            s->conf < cfg->detailer_conf || s->bx1 <= s->bx0 || s->by1 <= s->by0)
            continue;
        gi_detection d = {label, s->conf, s->bx0, s->by0, s->bx1, s->by1, 0, 0, 0, 0};
        int j = nc++;
        for (; j > 0 && cand[j - 1].conf < d.conf; j--) /* by confidence, stable */
            cand[j] = cand[j - 1];
        cand[j] = d;
    }
    int nk = 0;
    int32_t max = cfg->detailer_max > 0 ? cfg->detailer_max : 1;
    for (int i = 0; i < nc && nk < max && nk < GI_MAX_DETECTIONS; i++) {
        int keep = 1;
        for (int j = 0; j < nk && keep; j++)
            keep = iou(&cand[i], &out[j]) <= cfg->detailer_iou;
        if (keep)
            out[nk++] = cand[i];
    }
    if (cfg->detailer_merge && nk > 1) {
        for (int i = 1; i < nk; i++) {
            out[0].x0 = out[i].x0 < out[0].x0 ? out[i].x0 : out[0].x0;
            out[0].y0 = out[i].y0 < out[0].y0 ? out[i].y0 : out[0].y0;
            out[0].x1 = out[i].x1 > out[0].x1 ? out[i].x1 : out[0].x1;
            out[0].y1 = out[i].y1 > out[0].y1 ? out[i].y1 : out[0].y1;
        }
        nk = 1;
    }
    int32_t grow = (cfg->detailer_padding > 0 ? cfg->detailer_padding : 0) + (cfg->detailer_blur + 1) / 2 + 1;
    for (int i = 0; i < nk; i++) {
        gi_detection *d = &out[i];
        d->rx0 = d->x0 - grow < 0 ? 0 : d->x0 - grow;
        d->ry0 = d->y0 - grow < 0 ? 0 : d->y0 - grow;
        d->rx1 = d->x1 + grow > W ? W : d->x1 + grow;
        d->ry1 = d->y1 + grow > H ? H : d->y1 + grow;
    }
    return nk;
}
