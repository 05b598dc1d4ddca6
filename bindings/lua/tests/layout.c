/* Prints the size of every struct the LuaJIT binding declares and the offset of each of its
 * fields, as this C compiler lays them out:
 *
 *     size genapi_error 1440
 *     offset genapi_error message 24
 *
 * test_binding.lua compares every line with ffi.sizeof / ffi.offsetof. */
#include <stddef.h>
#include <stdio.h>

#include <genapi/genapi.h>

#define S(type) printf("size %s %zu\n", #type, sizeof(type))
#define F(type, field) printf("offset %s %s %zu\n", #type, #field, offsetof(type, field))

int main(void)
{
    S(genapi_allocator);
    F(genapi_allocator, malloc_fn);
    F(genapi_allocator, realloc_fn);
    F(genapi_allocator, free_fn);
    F(genapi_allocator, user);

    S(genapi_error);
    F(genapi_error, status);
    F(genapi_error, http_status);
    F(genapi_error, server_code);
    F(genapi_error, message_truncated);
    F(genapi_error, retry_after_ms);
    F(genapi_error, message);
    F(genapi_error, param);
    F(genapi_error, type);
    F(genapi_error, request_id);

    S(genapi_param_desc);
    F(genapi_param_desc, name);
    F(genapi_param_desc, json_name);
    F(genapi_param_desc, kind);
    F(genapi_param_desc, range_flags);
    F(genapi_param_desc, min);
    F(genapi_param_desc, max);
    F(genapi_param_desc, choices);
    F(genapi_param_desc, default_text);
    F(genapi_param_desc, servers);
    F(genapi_param_desc, index);
    F(genapi_param_desc, offset);
    F(genapi_param_desc, size);
    F(genapi_param_desc, doc);

    S(genapi_client_config);
    F(genapi_client_config, struct_size);
    F(genapi_client_config, ignore_environment);
    F(genapi_client_config, base_url);
    F(genapi_client_config, api_key);
    F(genapi_client_config, connect_timeout_ms);
    F(genapi_client_config, timeout_ms);
    F(genapi_client_config, image_api);
    F(genapi_client_config, reserved);
    F(genapi_client_config, allocator);
    F(genapi_client_config, user_agent);
    F(genapi_client_config, max_retries);
    F(genapi_client_config, idle_timeout_s);
    F(genapi_client_config, retry_max_delay_ms);
    F(genapi_client_config, log_fn);
    F(genapi_client_config, log_user);
    F(genapi_client_config, log_level);
    F(genapi_client_config, reserved2);
    F(genapi_client_config, max_response_bytes);

    S(genapi_chat_message);
    F(genapi_chat_message, role);
    F(genapi_chat_message, content);
    F(genapi_chat_message, name);
    F(genapi_chat_message, tool_call_id);
    F(genapi_chat_message, tool_calls);
    F(genapi_chat_message, tool_call_count);

    S(genapi_tool);
    F(genapi_tool, name);
    F(genapi_tool, description);
    F(genapi_tool, parameters_json);

    S(genapi_chat_request);
    F(genapi_chat_request, struct_size);
    F(genapi_chat_request, reserved);
    F(genapi_chat_request, messages);
    F(genapi_chat_request, message_count);
    F(genapi_chat_request, params);
    F(genapi_chat_request, extra_json);
    F(genapi_chat_request, tools);
    F(genapi_chat_request, tool_count);
    F(genapi_chat_request, tool_choice);
    F(genapi_chat_request, parallel_tool_calls);
    F(genapi_chat_request, tool_choice_name);

    S(genapi_tool_call);
    F(genapi_tool_call, index);
    F(genapi_tool_call, id);
    F(genapi_tool_call, type);
    F(genapi_tool_call, name);
    F(genapi_tool_call, arguments);

    S(genapi_chat_choice);
    F(genapi_chat_choice, index);
    F(genapi_chat_choice, role);
    F(genapi_chat_choice, content);
    F(genapi_chat_choice, content_len);
    F(genapi_chat_choice, reasoning);
    F(genapi_chat_choice, finish_reason);
    F(genapi_chat_choice, stop_reason_kind);
    F(genapi_chat_choice, reserved);
    F(genapi_chat_choice, stop_token);
    F(genapi_chat_choice, stop_string);
    F(genapi_chat_choice, tool_calls);
    F(genapi_chat_choice, tool_call_count);
    F(genapi_chat_choice, logprobs);
    F(genapi_chat_choice, reasoning_len);

    S(genapi_usage);
    F(genapi_usage, present);
    F(genapi_usage, reserved);
    F(genapi_usage, prompt_tokens);
    F(genapi_usage, completion_tokens);
    F(genapi_usage, total_tokens);

    S(genapi_chat_result);
    F(genapi_chat_result, struct_size);
    F(genapi_chat_result, http_status);
    F(genapi_chat_result, id);
    F(genapi_chat_result, object);
    F(genapi_chat_result, created);
    F(genapi_chat_result, model);
    F(genapi_chat_result, choices);
    F(genapi_chat_result, choice_count);
    F(genapi_chat_result, usage);
    F(genapi_chat_result, request_id);
    F(genapi_chat_result, prompt_logprobs_count);
    F(genapi_chat_result, internal);

    S(genapi_stream_delta);
    F(genapi_stream_delta, index);
    F(genapi_stream_delta, content);
    F(genapi_stream_delta, content_len);
    F(genapi_stream_delta, reasoning);
    F(genapi_stream_delta, reasoning_len);
    F(genapi_stream_delta, finish_reason);
    F(genapi_stream_delta, stop_reason_kind);
    F(genapi_stream_delta, reserved);
    F(genapi_stream_delta, stop_token);
    F(genapi_stream_delta, stop_string);
    F(genapi_stream_delta, tool_call_index);
    F(genapi_stream_delta, tool_call_id);
    F(genapi_stream_delta, tool_call_name);
    F(genapi_stream_delta, tool_call_arguments);
    F(genapi_stream_delta, tool_call_arguments_len);

    S(genapi_image);
    F(genapi_image, data);
    F(genapi_image, size);
    F(genapi_image, format);
    F(genapi_image, width);
    F(genapi_image, height);
    F(genapi_image, reserved);

    S(genapi_image_info);
    F(genapi_image_info, present);
    F(genapi_image_info, fields);
    F(genapi_image_info, seed);
    F(genapi_image_info, all_seeds);
    F(genapi_image_info, all_seed_count);
    F(genapi_image_info, index_of_first_image);
    F(genapi_image_info, width);
    F(genapi_image_info, height);
    F(genapi_image_info, steps);
    F(genapi_image_info, sampler_name);
    F(genapi_image_info, prompt);
    F(genapi_image_info, infotexts_count);
    F(genapi_image_info, json);

    S(genapi_images_result);
    F(genapi_images_result, struct_size);
    F(genapi_images_result, http_status);
    F(genapi_images_result, images);
    F(genapi_images_result, image_count);
    F(genapi_images_result, info);
    F(genapi_images_result, has_parameters_seed);
    F(genapi_images_result, reserved);
    F(genapi_images_result, parameters_seed);
    F(genapi_images_result, internal);

    S(genapi_progress);
    F(genapi_progress, progress);
    F(genapi_progress, eta_relative);
    F(genapi_progress, sampling_step);
    F(genapi_progress, sampling_steps);
    F(genapi_progress, job_no);
    F(genapi_progress, job_count);

    S(genapi_callbacks);
    F(genapi_callbacks, on_done);
    F(genapi_callbacks, on_delta);
    F(genapi_callbacks, on_progress);
    F(genapi_callbacks, user);
    F(genapi_callbacks, pull);
    F(genapi_callbacks, reserved);

    /* The enums the binding declares are int-sized in C. */
    S(genapi_status);
    S(genapi_image_format);
    return 0;
}
