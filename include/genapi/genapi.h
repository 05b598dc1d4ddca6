/**
 * @file genapi.h
 * @brief Umbrella header: include this to get the whole public API of libgenapi.
 */
#ifndef GENAPI_GENAPI_H
#define GENAPI_GENAPI_H

#include "common.h"
#include "error.h"
#include "params.h"
#include "text_params.h"
#include "image_params.h"
#include "client.h"
#include "logprobs.h"
#include "chat.h"
#include "completions.h"
#include "tokenize.h"
#include "stream.h"
#include "images.h"
#include "models.h"
#include "server.h"
#include "async.h"

#endif
