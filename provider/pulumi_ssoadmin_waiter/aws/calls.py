"""The SSO Admin calls this package makes, by operation: start a request, describe one, list
(any service's list: lookups by name page through Identity Store and Organizations too).

The only place that turns an operation's API names (data, :mod:`operations`) into boto3 methods.
These functions make one call each (all pages for a list) and raise botocore's errors; what an
error means is decided by the caller's retry policy (:mod:`retry`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core.operations import Request, StatusOperation

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


def method(client: SSOAdminClient, api_name: str) -> Callable[..., Any]:
    """The boto3 client method for an API operation (botocore's own snake_case rule)."""
    from botocore import xform_name

    return getattr(client, xform_name(api_name))  # type: ignore[no-any-return]


def describe(client: SSOAdminClient, request: Request) -> Mapping[str, Any]:
    """One ``Describe...Status`` call; the status structure."""
    operation = request.operation
    response = method(client, operation.api_name)(
        **{"InstanceArn": request.instance_arn, operation.request_id_param: request.request_id}
    )
    return response[operation.response_key]  # type: ignore[no-any-return]


def start(
    client: SSOAdminClient, operation: StatusOperation, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """One call that starts a request (``CreateAccountAssignment``...); its status structure,
    which carries the new request id."""
    response = method(client, operation.started_by)(**params)
    return response[operation.response_key]  # type: ignore[no-any-return]


def list_all(client: Any, api_name: str, result_key: str, **params: Any) -> list[Any]:
    """Every item of a paginated list call, all pages (see :func:`list_pages`)."""
    return list_pages(client, api_name, result_key, **params)[0]


def list_pages(client: Any, api_name: str, result_key: str, **params: Any) -> tuple[list[Any], int]:
    """Every item of a paginated list call and how many calls it took: botocore's paginator
    follows ``NextToken`` and asks for the largest page the service model allows (a page may
    hold fewer, which the API allows)."""
    from botocore import xform_name

    paginator = client.get_paginator(xform_name(api_name))  # type: ignore[call-overload]
    config = {"PageSize": _largest_page_of(client.meta.service_model, api_name)}
    items: list[Any] = []
    pages = 0
    for page in paginator.paginate(**params, PaginationConfig=config):
        pages += 1
        items.extend(page.get(result_key, []))
    return items, pages


def _largest_page_of(model: Any, api_name: str) -> int:
    """``MaxResults``'s maximum in a service model (any service: lookups list Identity Store
    and Organizations too)."""
    shape = model.operation_model(api_name).input_shape
    assert shape is not None, api_name
    member = shape.members["MaxResults"]
    return int(member.metadata["max"])
